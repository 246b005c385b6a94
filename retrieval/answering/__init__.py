"""Answering: ``analysis`` (question → frame), ``routing`` (frame → plan), ``candidates_graph`` and
``candidates_text`` (candidates per source), ``scoring``, ``verify``, ``render``; wired in ``pipeline``."""

from retrieval.answering.pipeline import Context, answer, context_for
from retrieval.answering.types import Answer, Candidate, Citation

__all__ = ["Answer", "Candidate", "Citation", "Context", "answer", "context_for"]
