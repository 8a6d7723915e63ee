"""secnet: map, measure and design the security partnership networks around NATO."""

__version__ = "0.1.0"
