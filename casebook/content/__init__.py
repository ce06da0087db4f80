"""The content model: schemas, loaders and cross-reference checks for all content."""
from .problems import Problem, ProblemList
from .project import Project, load_project

__all__ = ["Problem", "ProblemList", "Project", "load_project"]
