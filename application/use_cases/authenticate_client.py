from application.event_recorder import EventRecorder
from application.ports.event_dispatcher import EventDispatcher
from domain.clients import TrustedClients
from domain.errors import InvalidClient
from domain.events import EventKind, SecurityEvent


class AuthenticateClient:
    """A trusted backend client, by the id and secret it presents; `InvalidClient` for anything else.

    No I/O: the clients come from configuration. With none configured, every caller is refused. With no
    unit of work either, its refusal is recorded on a recorder of its own, outside any block: an answer,
    settled at once, and dispatched as such (`EventRecorder`).
    """

    def __init__(self, clients: TrustedClients, events: EventDispatcher) -> None:
        self._clients = clients
        self._events = EventRecorder(events)

    def execute(self, client_id: str | None, secret: str | None, client_address: str | None = None) -> str:
        if client_id is None or secret is None or not self._clients.authenticate(client_id, secret):
            # The presented id is not logged: it may be mistyped or not an id at all (a pasted secret).
            self._events.record(SecurityEvent(EventKind.CLIENT_REFUSED, client_address=client_address))
            raise InvalidClient
        return client_id
