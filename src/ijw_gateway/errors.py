"""The exception tree. Each class knows its outcome, so raising it chooses the answer.

Every exception the project raises sits in this tree; a class defined beside the code
that raises it names its module here (a test holds the drawing to the classes).

    IjwGatewayError                  exit 3, HTTP 500  (something we did not expect)
    ├── ExtractError                 history.extract: a message lacks what its schema demands
    ├── SuiteError                   fixtures.suite: two cases claim a file, or one cannot be built
    ├── PathError                    fixtures.edit: a path leads to no element of the model
    ├── UnknownRule                  fixtures.expected: no expectation for a rule
    ├── AdapterError                 conformance.adapters: a response the adapter cannot read
    ├── Disagree                     schemawindows: two passes of a schema check disagree
    ├── DeliveryFailed               exit 3, HTTP 502  (a channel did not hand a message over)
    │   ├── RetryLater               HTTP 503          (sending again may mend it)
    │   └── GiveUp                                     (sending again would fail the same way)
    ├── UsageError                   exit 2, HTTP 400  (bad arguments, unreadable path)
    │   └── ManifestError            fixtures.manifest: the fixture suite's manifest is unusable
    ├── ConfigurationError           exit 2, HTTP 500  (settings, schema bundle, contracts)
    │   ├── SchemaBundleError        exit 2            (a schema directory that cannot be used)
    │   ├── ContractConfigError      contracts.load: a contract configuration that cannot be used
    │   ├── CatalogueError           catalogue.rulecat: a malformed rule table or registration
    │   └── ExportKeyMissing         reporting: HTTP 503, the export's pseudonym key is not set
    ├── InputRejected                exit 1, HTTP 422  (input that cannot be processed at all;
    │                                                   carries the findings that explain why)
    ├── NoReturnMessage              retour: exit 1, HTTP 422 (this input gets no return message)
    │   └── IsReturnMessage          retour: exit 2 (the input is itself an answer)
    ├── StoreUnavailable             exit 3, HTTP 503  (the database cannot be reached)
    ├── Stopping                     exit 3, HTTP 503  (the gateway stopped before it was done)
    └── RequestRefused               exit 2, HTTP 400  (the service refuses a request)
        ├── Unauthenticated          HTTP 401          (no or an unknown API key)
        ├── Forbidden                HTTP 403          (not this party's message or mailbox)
        ├── NotFound                 HTTP 404          (no such message, party or key)
        ├── Conflict                 HTTP 409          (e.g. a second answer to one message)
        │   ├── Collision            store: another intake won one of the message's keys
        │   └── Stale                store.unit: an intake with one of its keys committed meanwhile
        ├── PayloadTooLarge          HTTP 413          (a request body over the limit)
        ├── UnsupportedMediaType     HTTP 415          (a body of a type the route does not take)
        ├── Unprocessable            HTTP 422          (e.g. an unknown receiving party)
        │   └── ModelError           messages.jsonmodel: XML or JSON that does not fit the model
        ├── EnvelopeRefused          stuf_intake: a StUF-GGk envelope refused with a Fo01 code
        │                                              (HTTP status the code's)
        └── Frozen                   HTTP 503          (a freeze holds the release and message
                                                        type; Retry-After says until when)

Bad *messages* are not exceptions: they are reports with findings (``findings.py``).
Raise only when processing cannot go on.
"""

from __future__ import annotations

from datetime import datetime

from ijw_gateway.findings import Finding


class IjwGatewayError(Exception):
    """Base class; an unexpected failure inside the gateway."""

    exit_code = 3
    http_status = 500
    code = "internal_error"
    retry_after: int | None = None  # seconds after which the same request may succeed


class UsageError(IjwGatewayError):
    """The caller asked for something that cannot be done as asked."""

    exit_code = 2
    http_status = 400
    code = "usage_error"


class ConfigurationError(IjwGatewayError):
    """The gateway's own configuration is wrong or incomplete."""

    exit_code = 2
    http_status = 500
    code = "configuration_error"


class SchemaBundleError(ConfigurationError):
    """A schema directory lacks files or holds schemas that do not compile."""

    code = "schema_bundle_error"


class InputRejected(IjwGatewayError):
    """The input cannot be treated as a message at all; the findings say why."""

    exit_code = 1
    http_status = 422
    code = "input_rejected"

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.text)
        self.finding = finding

    def __reduce__(self) -> tuple[type[InputRejected], tuple[Finding]]:
        # Raised in the process that judges large messages, answered in the serve process.
        return type(self), (self.finding,)


class StoreUnavailable(IjwGatewayError):
    """The database cannot be reached or refused the work; retrying later may succeed."""

    http_status = 503
    code = "store_unavailable"


class Stopping(IjwGatewayError):
    """The gateway is shutting down and abandoned the request; sending it again is safe."""

    http_status = 503
    code = "stopping"


class RequestRefused(IjwGatewayError):
    """The service refuses a request; ``code`` and the message say why."""

    exit_code = 2
    http_status = 400
    code = "bad_request"

    def __init__(self, reason: str, code: str | None = None) -> None:
        super().__init__(reason)
        if code is not None:
            self.code = code


class Unauthenticated(RequestRefused):
    http_status = 401
    code = "unauthenticated"


class Forbidden(RequestRefused):
    http_status = 403
    code = "forbidden"


class NotFound(RequestRefused):
    http_status = 404
    code = "not_found"


class Conflict(RequestRefused):
    http_status = 409
    code = "conflict"


class PayloadTooLarge(RequestRefused):
    http_status = 413
    code = "payload_too_large"


class UnsupportedMediaType(RequestRefused):
    http_status = 415
    code = "unsupported_media_type"


class Unprocessable(RequestRefused):
    http_status = 422
    code = "unprocessable"


class DeliveryFailed(IjwGatewayError):
    """A channel did not hand a message over; ``detail`` says what happened (no content)."""

    http_status = 502
    code = "delivery_failed"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class RetryLater(DeliveryFailed):
    """This try failed in a way that sending again may mend (``detail`` says how)."""

    http_status = 503
    code = "retry_later"


class GiveUp(DeliveryFailed):
    """Sending again would fail the same way (``detail`` says why)."""

    code = "give_up"


class Frozen(RequestRefused):
    """A freeze window holds this message's release and type (the national switch to a new
    release): nothing is taken in, and the same message succeeds once the window is over.
    On StUF the answer is the chain's Fo01 IB103."""

    http_status = 503
    code = "frozen"

    def __init__(self, finding: Finding, until: datetime, retry_after: int) -> None:
        super().__init__(finding.text)
        self.finding = finding
        self.until = until
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[type[Frozen], tuple[Finding, datetime, int | None]]:
        # Raised where the offload process judges a large message, answered by serve.
        return type(self), (self.finding, self.until, self.retry_after)
