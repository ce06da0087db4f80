"""The content model: schemas, loaders and cross-reference checks for all content."""
from .problems import Problem, ProblemList
from .loader import load_project
from .project import Project

__all__ = ["Problem", "ProblemList", "Project", "load_project"]
