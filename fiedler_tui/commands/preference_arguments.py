"""The grammar of the commands on what a user keeps in the config dir: model sets, templates.

Kept apart from :mod:`fiedler_tui.commands.arguments` (which calls in here) so each stays short.
"""

from __future__ import annotations

import argparse
from typing import Any

from fiedler_tui.commands.once_argument import GivenOnce


def add_preference_commands(subparsers: Any) -> None:
    """``fiedler sets`` and ``fiedler templates``."""
    _sets(subparsers)
    _templates(subparsers)


def add_template_argument(prompt: Any) -> None:
    """``--template NAME``, another way to give the prompt (with ``-p`` and ``--prompt-file``)."""
    prompt.add_argument(
        "--template",
        action=GivenOnce,
        default=None,
        metavar="NAME",
        help="the prompt from the template NAME, its placeholders filled (see fiedler templates)",
    )


def _sets(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sets", help="named model sets, used as -m @NAME: list, save, delete"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    actions = parser.add_subparsers(dest="sets_action", metavar="ACTION")
    save = actions.add_parser("save", help="save the models named with -m as the set NAME")
    save.add_argument("name", metavar="NAME")
    save.add_argument(
        "-m", "--model", action="append", default=[], metavar="ALIAS", help="a model of the set"
    )
    save.set_defaults(handler="model_sets:run_save")
    delete = actions.add_parser("delete", help="delete the set NAME")
    delete.add_argument("name", metavar="NAME")
    delete.set_defaults(handler="model_sets:run_delete")
    parser.set_defaults(handler="model_sets:run_list")


def _templates(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "templates", help="prompt templates in the config dir: list them, show one"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    actions = parser.add_subparsers(dest="templates_action", metavar="ACTION")
    show = actions.add_parser("show", help="a template's text and its placeholders")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    show.set_defaults(handler="templates:run_show")
    parser.set_defaults(handler="templates:run_list")
