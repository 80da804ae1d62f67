"""Python backend of benchgen: scenario generation, verification and export."""
