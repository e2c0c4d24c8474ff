"""The ``openpromo`` command. Sub-commands call services inside a unit of work, never SQL.

Commands that create something accept ``--json`` and then print exactly one JSON object on
stdout, so scripts can use them; human messages go to stderr in that mode.
"""

from __future__ import annotations

import typer

from openpromo.cli import apikey, codes, db, demo, promotions, serve, tenant, user
from openpromo.cli import customers as customers_cli
from openpromo.cli import reservations as reservations_cli
from openpromo.cli import sync as sync_cli
from openpromo.cli import webhooks as webhooks_cli
from openpromo.cli import worker as worker_cli

app = typer.Typer(
    name="openpromo",
    help="openpromo: a self-hostable, multi-tenant promotion engine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(tenant.app, name="tenant")
app.add_typer(apikey.app, name="apikey")
app.add_typer(promotions.app, name="promotions")
app.add_typer(user.app, name="user")
app.add_typer(codes.app, name="codes")
app.command("worker")(worker_cli.worker)
app.add_typer(customers_cli.app, name="customers")
app.add_typer(sync_cli.app, name="sync")
app.add_typer(demo.app, name="demo")
app.add_typer(webhooks_cli.app, name="webhooks")
app.add_typer(reservations_cli.app, name="reservations")
promotions.app.command("pause-all")(webhooks_cli.pause_all)
