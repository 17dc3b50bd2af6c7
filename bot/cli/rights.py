"""The data-rights command groups: export, erase, link, retention, audit."""

from __future__ import annotations

import typer

from bot.cli import audit, exports, person

export_app = typer.Typer(
    help="Export one person's data, or the team's tables.", no_args_is_help=True
)
erase_app = typer.Typer(help="Erase one person's data.", no_args_is_help=True)
link_app = typer.Typer(help="Link a person's contacts across channels.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the export, erase and link groups."""
    export_app.command("person")(person.export_person)
    export_app.command("conversations")(exports.export_conversations)
    export_app.command("messages")(exports.export_messages)
    erase_app.command("person")(person.erase_person)
    link_app.command("person")(person.link_person)
    app.add_typer(export_app, name="export")
    app.add_typer(erase_app, name="erase")
    app.add_typer(link_app, name="link")
    audit.register(app)
