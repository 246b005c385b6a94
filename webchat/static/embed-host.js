window.hostMarker = 42;
