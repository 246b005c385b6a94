"""Walls around a SPARQL worker process: no network, a memory cap, death with its parent.

Called first thing in a fresh worker (single-threaded, before pyoxigraph starts threads), so every
thread created later inherits the filter.

- ``deny_network()``: a seccomp-BPF filter (``prctl(PR_SET_NO_NEW_PRIVS)`` + ``PR_SET_SECCOMP``;
  unprivileged, no library needed) that makes ``socket()`` fail with EPERM for every address family
  but ``AF_UNIX``, and refuses ``io_uring_setup`` (io_uring can open and connect sockets itself),
  ``pidfd_getfd`` (stealing another process's socket) and any other syscall ABI (i386 ``int 0x80``
  with ``socketcall``, x32). Without seccomp (another OS, a kernel without it) it falls back to a new
  user + network namespace (``unshare``: only a loopback that is down), and says which it got.
- ``cap_memory(mb)``: ``RLIMIT_AS``; an allocation past it fails inside the engine (a clean error).
- ``die_with_parent(ppid)``: ``PR_SET_PDEATHSIG`` = SIGKILL, checked against a race with ``getppid``.
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import signal
import struct

PR_SET_PDEATHSIG = 1
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EPERM = 1
AF_UNIX = 1
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

# BPF opcodes
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K

# machine -> (AUDIT_ARCH_*, socket, io_uring_setup, pidfd_getfd, x32 bit or 0)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 425, 438, 0x40000000),
    "aarch64": (0xC00000B7, 198, 425, 438, 0),
}


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def network_filter(machine: str) -> list[tuple[int, int, int, int]]:
    """The BPF program (code, jt, jf, k) for ``machine``; raises KeyError for an unknown one."""
    arch, socket_nr, uring_nr, getfd_nr, x32 = _ARCHES[machine]
    deny = SECCOMP_RET_ERRNO | EPERM
    prog = [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, deny),  # another syscall ABI
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    ]
    if x32:
        prog += [(_JGE_K, 0, 1, x32), (_RET_K, 0, 0, deny)]
    prog += [
        (_JEQ_K, 3, 0, socket_nr),  # -> load the family
        (_JEQ_K, 5, 0, uring_nr),
        (_JEQ_K, 4, 0, getfd_nr),
        (_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        (_LD_W_ABS, 0, 0, 16),  # low word of args[0] (little-endian): the address family
        (_JEQ_K, 0, 1, AF_UNIX),
        (_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        (_RET_K, 0, 0, deny),
    ]
    return prog


def _seccomp() -> None:
    if struct.pack("=I", 1)[0] != 1:
        raise OSError("big-endian machine: filter not written for it")
    prog = network_filter(platform.machine())
    libc = _libc()
    array = (_SockFilter * len(prog))(*[_SockFilter(*ins) for ins in prog])
    fprog = _SockFprog(len(prog), array)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")


def _unshare_network() -> None:
    libc = _libc()
    flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWUSER | CLONE_NEWNET
    if libc.unshare(flags) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET)")


def deny_network() -> str:
    """Cut this process off the network; return the mechanism used, or raise OSError if none works."""
    errors = []
    for name, wall in (("seccomp", _seccomp), ("netns", _unshare_network)):
        try:
            wall()
        except (OSError, KeyError, AttributeError) as exc:
            errors.append(f"{name}: {exc}")
            continue
        return name
    raise OSError("no way to cut the network here (" + "; ".join(errors) + ")")


def cap_memory(megabytes: int) -> None:
    """Limit this process's address space to ``megabytes`` (0 = no limit)."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when the thread that started it dies (Linux); exit now if it already has."""
    try:
        _libc().prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:
        os._exit(1)
