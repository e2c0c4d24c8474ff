from __future__ import annotations

import typer

from openpromo import migrate
from openpromo.config import get_settings

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("heads", help="Target revision")) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    migrate.upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {', '.join(migrate.current(get_settings().database_url)) or 'base'}")


@app.command()
def downgrade(revision: str = typer.Argument(..., help="Target revision, e.g. -1 or base")) -> None:
    """Revert migrations down to REVISION."""
    migrate.downgrade(get_settings().database_url, revision)
    typer.echo(f"database at {', '.join(migrate.current(get_settings().database_url)) or 'base'}")


@app.command()
def current() -> None:
    """Print the database's current revision(s)."""
    typer.echo(", ".join(migrate.current(get_settings().database_url)) or "base")
