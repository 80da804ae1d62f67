"""Python backend of benchgen: scenario generation, verification and export."""

import os

# MuJoCo picks its GL backend when first imported; osmesa is missing on these machines
# and breaks the import itself, so default to EGL before anything imports mujoco.
os.environ.setdefault("MUJOCO_GL", "egl")
