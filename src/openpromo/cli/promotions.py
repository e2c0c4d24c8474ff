from __future__ import annotations

import typer

app = typer.Typer(help="Promotions.", no_args_is_help=True)
