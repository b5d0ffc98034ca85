"""Pipeline stages: registered, versioned functions that add span layers to articles."""
from storyscope.stages.registry import Stage, register, get_stage, all_stages  # noqa: F401
