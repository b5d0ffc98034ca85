"""Storyscope: group news articles into stories and compare how outlets cover each one."""
__version__ = "0.1.0"
