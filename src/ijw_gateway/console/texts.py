"""The console's words in English and Dutch: one table, looked up by key.

A page asks ``words(lang)`` for its lookup; a key missing from the table is a bug the
tests catch (``tests/console/test_console_texts.py``), shown as the key meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

LANGS = ("en", "nl")

TEXTS: dict[str, tuple[str, str]] = {
    "console": ("ijw-gateway console", "ijw-gateway console"),
    "skip": ("Skip to the content", "Naar de inhoud"),
    "nav": ("Pages", "Pagina's"),
    "home": ("Home", "Start"),
    "validate": ("Validate", "Valideren"),
    "trace": ("Track & trace", "Track & trace"),
    "monitoring": ("Monitoring", "Monitoring"),
    "refusals": ("No-extra-data", "Geen-extra-gegevens"),
    "conformance": ("Conformance", "Conformiteit"),
    "parties": ("Parties and keys", "Partijen en sleutels"),
    "mailbox": ("Mailbox", "Postbus"),
    "deadletters": ("Dead letters and outbox", "Onbestelbaar en uitgaand"),
    "deadletters_intro": (
        "Messages whose delivery gave up (they wait in the receiver's mailbox), and what "
        "waits for delivery. Redelivering queues a message again, due now; discarding takes it "
        "out of the mailbox for good, with a reason that its events keep.",
        "Berichten waarvan de bezorging is opgegeven (ze wachten in de postbus van de "
        "ontvanger), en wat nog bezorgd moet worden. Opnieuw bezorgen zet een bericht "
        "meteen weer in de wachtrij; afvoeren haalt het voorgoed uit de postbus, met een "
        "reden die bij de gebeurtenissen blijft.",
    ),
    "dead_letters": ("Dead letters", "Onbestelbare berichten"),
    "outbox": ("Outbox", "Uitgaand"),
    "redeliver": ("Redeliver", "Opnieuw bezorgen"),
    "discard": ("Discard", "Afvoeren"),
    "discard_reason": ("Reason (no personal data)", "Reden (geen persoonsgegevens)"),
    "discard_reason_needed": (
        "Discarding needs a reason of 3 to 300 characters.",
        "Afvoeren vraagt een reden van 3 tot 300 tekens.",
    ),
    "last_error": ("Last error", "Laatste fout"),
    "next_attempt": ("Next attempt", "Volgende poging"),
    "identification": ("Identification", "Identificatie"),
    "sign_in": ("Sign in", "Inloggen"),
    "sign_out": ("Sign out", "Uitloggen"),
    "signed_in_as": ("Signed in as", "Ingelogd als"),
    "api_key": ("API key", "API-sleutel"),
    "sign_in_intro": (
        "Sign in with your API key (a party's or an operator's). The key is exchanged for "
        "a session; it is not kept in your browser.",
        "Log in met uw API-sleutel (van een partij of een beheerder). De sleutel wordt "
        "ingewisseld voor een sessie en niet in uw browser bewaard.",
    ),
    "bad_key": (
        "This API key is unknown or revoked.",
        "Deze API-sleutel is onbekend of ingetrokken.",
    ),
    "language": ("Language", "Taal"),
    "switch_to": ("Nederlands", "English"),
    "home_intro": (
        "Validate iJw messages, follow them, and read the region's figures.",
        "Valideer iJw-berichten, volg ze en bekijk de cijfers van de regio.",
    ),
    "api_docs": ("API documentation", "API-documentatie"),
    "error": ("Something is not right", "Er is iets niet in orde"),
    "back": ("Back", "Terug"),
    "needs_sign_in": ("Sign in to see this page.", "Log in om deze pagina te zien."),
    "operators_only": (
        "Only the region's operators may use this page.",
        "Alleen beheerders van de regio mogen deze pagina gebruiken.",
    ),
    "parties_only": (
        "This page shows a party's own messages; an operator's key has no mailbox.",
        "Deze pagina toont de eigen berichten van een partij; een beheerderssleutel heeft "
        "geen postbus.",
    ),
    "csrf": (
        "The form expired or came from elsewhere; reload the page and try again.",
        "Het formulier is verlopen of kwam van elders; laad de pagina opnieuw.",
    ),
    # validate
    "validate_intro": (
        "Paste or upload a message, a zip of messages or a StUF-GGk envelope. Nothing is "
        "stored. Several files in a sequence are judged in order, each against the ones "
        "before it.",
        "Plak of upload een bericht, een zip met berichten of een StUF-GGk-envelop. Er wordt "
        "niets bewaard. Meerdere bestanden als reeks worden op volgorde beoordeeld, elk "
        "tegen de eerdere.",
    ),
    "paste": ("Message (XML)", "Bericht (XML)"),
    "files": ("Or files (XML, zip, StUF envelope)", "Of bestanden (XML, zip, StUF-envelop)"),
    "sequence": (
        "Judge the files as a sequence, in order",
        "Beoordeel de bestanden als reeks, op volgorde",
    ),
    "check": ("Validate", "Valideer"),
    "with_contracts": (
        "Judge against the region's contracts as well (as the gateway does)",
        "Beoordeel ook tegen de contracten van de regio (zoals de gateway doet)",
    ),
    "nothing_given": ("Paste a message or choose a file.", "Plak een bericht of kies een bestand."),
    "accepted": ("accepted", "geaccepteerd"),
    "rejected": ("rejected", "afgekeurd"),
    "retourcodes": ("Retourcodes", "Retourcodes"),
    "findings": ("Findings", "Bevindingen"),
    "no_findings": ("No findings.", "Geen bevindingen."),
    "line": ("line", "regel"),
    "omitted": ("more findings not listed", "bevindingen meer, niet getoond"),
    "retour": ("Return message", "Retourbericht"),
    "download": ("Download", "Downloaden"),
    "json_model": ("JSON model", "JSON-model"),
    "no_json": ("This message has no JSON model.", "Dit bericht heeft geen JSON-model."),
    "xml": ("XML", "XML"),
    "xml_too_long": (
        "The message is too long to show line by line; the findings name their lines.",
        "Het bericht is te lang om regel voor regel te tonen; de bevindingen noemen hun regels.",
    ),
    "envelope": ("StUF-GGk envelope", "StUF-GGk-envelop"),
    "valid": ("valid", "geldig"),
    "invalid": ("invalid", "ongeldig"),
    "message_type": ("Message", "Bericht"),
    "file": ("File", "Bestand"),
    "verdict": ("Verdict", "Oordeel"),
    # trace
    "trace_intro": (
        "Find a message by its id, or search by identification, trace id, type, party, "
        "state and period: its page shows its events, conversation, trajectory, XML and JSON.",
        "Zoek een bericht op id, of op identificatie, trace-id, type, partij, status en "
        "periode: de pagina toont gebeurtenissen, gesprek, traject, XML en JSON.",
    ),
    "message_id": ("Message id", "Bericht-id"),
    "find": ("Find", "Zoeken"),
    "events": ("Events", "Gebeurtenissen"),
    "conversation": ("Conversation", "Gesprek"),
    "trajectory": ("Trajectory", "Traject"),
    "no_trajectory": (
        "This message belongs to no trajectory.",
        "Dit bericht hoort bij geen traject.",
    ),
    "from": ("From", "Van"),
    "to": ("To", "Aan"),
    "received_at": ("Received", "Ontvangen"),
    "state": ("State", "Status"),
    "when": ("When", "Wanneer"),
    "what": ("What", "Wat"),
    "detail": ("Detail", "Toelichting"),
    "party": ("Party", "Partij"),
    "trace_id": ("Trace id", "Trace-id"),
    "answer": ("Answer", "Antwoord"),
    "role": ("Role", "Rol"),
    "type": ("Type", "Type"),
    "period_from": ("From (date)", "Vanaf (datum)"),
    "period_to": ("To (date)", "Tot en met (datum)"),
    "search": ("Search", "Zoeken"),
    "no_results": ("Nothing found.", "Niets gevonden."),
    "not_found": ("There is no such message.", "Dat bericht bestaat niet."),
    # monitoring
    "monitoring_intro": (
        "Figures per month from the traffic: yours as a party, the region's as an operator.",
        "Cijfers per maand uit het berichtenverkeer: de uwe als partij, die van de regio als "
        "beheerder.",
    ),
    "numbers": ("The numbers", "De cijfers"),
    "csv": ("CSV", "CSV"),
    "chart_volume": (
        "Allocated and declared amount per month",
        "Toegewezen en gedeclareerd bedrag per maand",
    ),
    "chart_trajectories": ("Trajectories per month", "Trajecten per maand"),
    "chart_chain": (
        "Response times per month (working days)",
        "Reactietijden per maand (werkdagen)",
    ),
    "chart_providers": ("Providers side by side", "Aanbieders naast elkaar"),
    "deadlines": ("Deadlines", "Termijnen"),
    "allocated_budget_cents": ("allocated", "toegewezen"),
    "declared_cents": ("declared", "gedeclareerd"),
    "clients": ("clients", "cliënten"),
    "requested": ("requested", "aangevraagd"),
    "allocated": ("allocated", "toegewezen"),
    "started": ("started", "gestart"),
    "stopped": ("stopped", "gestopt"),
    "refused_messages": ("messages", "berichten"),
    "refused_terms": ("contract terms", "contractvoorwaarden"),
    "no_data": ("No figures for this period yet.", "Nog geen cijfers voor deze periode."),
    # refusals
    "refusals_intro": (
        "Messages and contract terms refused under the no-extra-data rule, per "
        "municipality and month.",
        "Berichten en contractvoorwaarden geweigerd op grond van de geen-extra-gegevensregel, "
        "per gemeente en maand.",
    ),
    "municipality": ("Municipality", "Gemeente"),
    "month": ("Month", "Maand"),
    "total": ("Total", "Totaal"),
    # conformance
    "conformance_intro": (
        "Run the fixture suite against an iJw endpoint and compare its answers with the "
        "manifest. One run at a time per user.",
        "Draai de testberichtenset tegen een iJw-endpoint en vergelijk de antwoorden met het "
        "manifest. Eén run tegelijk per gebruiker.",
    ),
    "target_url": ("Target URL", "Doel-URL"),
    "conformance_here": (
        "A party runs the suite against this gateway. To test your own implementation, run "
        "ijw-gateway conformance run --target on your own machine, or ask an operator.",
        "Een partij draait de set tegen deze gateway. Test uw eigen implementatie met "
        "ijw-gateway conformance run --target op uw eigen machine, of vraag een beheerder.",
    ),
    "conformance_elsewhere": (
        "Only operators may run the suite against another address than this gateway's.",
        "Alleen beheerders mogen de set draaien tegen een ander adres dan dat van deze gateway.",
    ),
    "key_template": (
        "API key template ({party} is replaced)",
        "API-sleutelsjabloon ({party} wordt vervangen)",
    ),
    "only": ("Only these fixtures (glob, optional)", "Alleen deze testberichten (glob, optioneel)"),
    "skip_answers": ("Leave out the answer messages", "Laat de antwoordberichten weg"),
    "run": ("Run", "Starten"),
    "running": ("Running", "Bezig"),
    "done": ("Done", "Klaar"),
    "passed": ("passed", "geslaagd"),
    "failed": ("failed", "mislukt"),
    "filter": ("Filter", "Filter"),
    "all": ("all", "alle"),
    "junit": ("JUnit file", "JUnit-bestand"),
    "already_running": ("You already have a run going.", "U heeft al een run lopen."),
    "fixture": ("Fixture", "Testbericht"),
    "expected": ("Expected", "Verwacht"),
    "observed": ("Observed", "Gezien"),
    "progress": ("Progress", "Voortgang"),
    # parties
    "parties_intro": (
        "The parties of this gateway, their channels and their keys. A new key is shown once. "
        "A party is removed only when nothing for it waits undelivered.",
        "De partijen van deze gateway, hun kanalen en sleutels. Een nieuwe sleutel wordt één "
        "keer getoond. Een partij wordt pas verwijderd als er niets onbezorgd voor haar "
        "wacht.",
    ),
    "code": ("Code", "Code"),
    "kind": ("Kind", "Soort"),
    "name": ("Name", "Naam"),
    "channel": ("Channel", "Kanaal"),
    "endpoint": ("Endpoint", "Endpoint"),
    "keys": ("Keys", "Sleutels"),
    "add_party": ("Add a party", "Partij toevoegen"),
    "save": ("Save", "Opslaan"),
    "set_channel": ("Set channel and endpoint", "Kanaal en endpoint instellen"),
    "issue_key": ("Issue a key", "Sleutel uitgeven"),
    "revoke": ("Revoke", "Intrekken"),
    "new_key": (
        "The new key (copy it now; it is not shown again)",
        "De nieuwe sleutel (kopieer hem nu; hij wordt niet opnieuw getoond)",
    ),
    "saved": ("Saved.", "Opgeslagen."),
    "revoked": ("Revoked.", "Ingetrokken."),
    "key_state": ("State", "Status"),
    "active": ("active", "actief"),
    "revoked_state": ("revoked", "ingetrokken"),
    "created": ("Issued", "Uitgegeven"),
    "last_used": ("Last used", "Laatst gebruikt"),
    "never": ("never", "nooit"),
    "remove_party": ("Remove party", "Partij verwijderen"),
    "removed": (
        "Party {code} is removed; its keys are revoked.",
        "Partij {code} is verwijderd; haar sleutels zijn ingetrokken.",
    ),
    "remove_refused": (
        "Party {code} cannot be removed: {n} message(s) for it are not delivered (queued or "
        "dead-lettered). Deliver, redeliver or discard them first.",
        "Partij {code} kan niet worden verwijderd: {n} bericht(en) voor haar zijn niet "
        "bezorgd (in de wachtrij of onbestelbaar). Bezorg ze, bezorg ze opnieuw of voer ze "
        "eerst af.",
    ),
    # mailbox
    "mailbox_intro": (
        "Messages delivered to you that you have not acknowledged.",
        "Aan u bezorgde berichten die u nog niet heeft bevestigd.",
    ),
    "attempts": ("Attempts", "Pogingen"),
    "acknowledge": ("Acknowledge", "Bevestigen"),
    "empty": ("Nothing here.", "Hier is niets."),
    "next_page": ("Next page", "Volgende pagina"),
    "first_page": ("First page", "Eerste pagina"),
    "pages_of": ("Pages of", "Pagina's van"),
    "per_page": ("Per page", "Per pagina"),
}


def words(lang: str) -> Callable[[str], str]:
    """The lookup of one language: ``t("validate")`` is "Validate" or "Valideren"."""
    index = LANGS.index(lang) if lang in LANGS else 0

    def t(key: str) -> str:
        pair = TEXTS.get(key)
        return pair[index] if pair else key

    return t
