"""gaemi (개미): a risk lab for retail investors."""
__version__ = "0.1.0"
