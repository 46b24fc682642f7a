"""`tessera users create | grant | revoke-role | claims | disable | enable | list | import | reset-link`:
the operator's hold on accounts, from any machine that has the database URL. Passwords come from stdin
(or a prompt on a terminal), never from the command line, where `ps` and shell histories would keep them."""

import argparse
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TextIO, TypeVar

from dishka import AsyncContainer

from application.actors import OPERATOR
from application.results import UserSummary
from application.use_cases.create_password_reset_link import CreatePasswordResetLink
from application.use_cases.disable_user import DisableUser
from application.use_cases.enable_user import EnableUser
from application.use_cases.grant_role import GrantRole
from application.use_cases.list_users import MAX_PAGE, ListUsers
from application.use_cases.register_user import RegisterUser, Registration
from application.use_cases.revoke_role import RevokeRole
from application.use_cases.set_user_claims import SetUserClaims
from domain.errors import DomainError, InvalidClaims, InvalidPassword
from domain.users import Email
from entrypoints.cli.user_import import add_import_command, run_import
from entrypoints.ioc.container import in_one_request
from entrypoints.settings.config import Settings

T = TypeVar("T")
U = TypeVar("U")


def add_user_commands(commands: Any) -> None:  # argparse's subparsers action has no public type
    users = commands.add_parser("users", help="accounts: create, roles, claims, disable and enable, list, import")
    user_commands = users.add_subparsers(dest="user_command", required=True)
    create = user_commands.add_parser("create", help="a new user; the password is read from stdin")
    create.add_argument("email")
    create.add_argument("--role", action="append", default=[], help="a role to grant (repeatable)")
    create.add_argument("--display-name", default=None)
    for name, text in [("grant", "grant a role"), ("revoke-role", "revoke a role")]:
        change = user_commands.add_parser(name, help=text)
        change.add_argument("email")
        change.add_argument("role")
    for name, text in [
        ("disable", "disable a user: every session ends now, login and refresh are refused"),
        ("enable", "let a disabled user log in again"),
    ]:
        user_commands.add_parser(name, help=text).add_argument("email")
    claims = user_commands.add_parser("claims", help="replace a user's custom claims: a JSON object, {} for none")
    claims.add_argument("email")
    claims.add_argument("claims", metavar="JSON")
    user_commands.add_parser("list", help="every user, oldest first")
    add_import_command(user_commands)
    user_commands.add_parser(
        "reset-link", help="print a single-use password-reset link (30 minutes) for a user verified otherwise"
    ).add_argument("email")


def run_user_command(settings: Settings, args: argparse.Namespace, stdin: TextIO | None = None) -> int:
    """Exit 1 with one line on stderr for a bad email, password or role, or an unknown user; nothing changes.
    The CLI has refused a store that lives only inside `tessera serve` before this runs."""
    try:
        return _run(settings, args, stdin or sys.stdin)
    except DomainError as error:
        print(f"tessera: {error.message}", file=sys.stderr)
        return 1


def _run(settings: Settings, args: argparse.Namespace, stdin: TextIO) -> int:
    command = args.user_command
    if command == "import":
        return run_import(settings, args, stdin)
    if command == "list":
        _print_users(_with(settings, ListUsers, _all_users))
        return 0
    email = Email.parse(args.email)
    if command == "reset-link":
        print(_with(settings, CreatePasswordResetLink, lambda use: use.execute(args.email)))
        print("tessera: the link works once, for 30 minutes; every session of the user ends", file=sys.stderr)
        return 0
    if command == "create":
        registration = Registration(args.email, read_password(stdin), args.display_name, tuple(args.role))
        profile = _with(settings, RegisterUser, lambda use: use.execute(registration))
        print(f"tessera: created {profile.email} ({profile.id}) with roles: {', '.join(profile.roles) or '-'}")
        return 0
    if command in ("grant", "revoke-role"):
        change: type[GrantRole | RevokeRole] = GrantRole if command == "grant" else RevokeRole
        changed = _with(settings, change, lambda use: use.execute(email, args.role, OPERATOR))
        print(f"tessera: {changed.email} has roles: {', '.join(changed.roles) or '-'}")
        return 0
    if command == "claims":
        summary = _with(settings, SetUserClaims, lambda use: use.execute(email, _json(args.claims), OPERATOR))
        print(f"tessera: {summary.email} has claims: {summary.claims.encoded}")
        return 0
    toggle: type[DisableUser | EnableUser] = DisableUser if command == "disable" else EnableUser
    summary = _with(settings, toggle, lambda use: use.execute(email, OPERATOR))
    print(f"tessera: {summary.email} is {'disabled' if summary.disabled_at else 'enabled'}")
    return 0


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        raise InvalidClaims("The claims are not valid JSON.") from None


def read_password(stdin: TextIO) -> str:
    """From a prompt (typed twice) on a terminal, else the first line of stdin."""
    if stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat it: ") != password:
            raise InvalidPassword("The passwords do not match.")
        return password
    return stdin.readline().removesuffix("\n").removesuffix("\r")


async def _all_users(list_users: ListUsers) -> list[UserSummary]:
    users: list[UserSummary] = []
    offset = 0
    while page := await list_users.execute(OPERATOR, MAX_PAGE, offset):
        users.extend(page)
        offset += len(page)
    return users


def _print_users(users: list[UserSummary]) -> None:
    print(f"{'ID':<36} {'EMAIL':<40} {'STATE':<8} {'CREATED':<25} ROLES")
    for user in users:
        state = "disabled" if user.disabled_at else "active"
        created = user.created_at.isoformat(timespec="seconds")
        print(f"{user.id!s:<36} {user.email:<40} {state:<8} {created:<25} {','.join(user.roles) or '-'}")


def _with(settings: Settings, use_case: type[U], work: Callable[[U], Awaitable[T]]) -> T:
    async def run(request: AsyncContainer) -> T:
        return await work(await request.get(use_case))

    return in_one_request(settings, run)
