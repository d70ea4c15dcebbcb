"""newsgraph: raw news articles in, clean dated deduplicated articles out — with provenance.

Importing the package loads no model and no heavy library; see `newsgraph.api` for the Python API.
"""

__version__ = "0.1.0"
