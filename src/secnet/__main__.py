"""``python -m secnet``: the same CLI as the ``secnet`` command."""

from .cli import run

run()
