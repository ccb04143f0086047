"""impresarc: a multicenter clinical data warehouse for ICI studies in advanced sarcoma."""

__version__ = "0.1.0"
