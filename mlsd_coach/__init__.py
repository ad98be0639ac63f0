"""mlsd: an offline coach for machine-learning system design interviews."""

__version__ = "0.1.0"
