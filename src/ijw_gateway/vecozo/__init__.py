"""VECOZO's VSP-Koppeling REST: the gateway as a participant, and as a local VECOZO.

    model.py     the JSON of push v1, pull v1 and berichtstatus v3, as typed values
    ijw.py       iJw messages as VECOZO routes them: roles, message stream, ids (pure)
    status.py    VECOZO's message statuses <-> the gateway's events (pure)
    client.py    the participant: push, pull, payload (SHA-256 checked), acknowledge,
                 search and status over mutual TLS (httpx)
    channel.py   ``VecozoChannel``: the delivery channel that pushes to VECOZO
    pull.py      ``Puller``: pull -> validate -> store and queue -> acknowledge

The local VECOZO (the same routes for provider software in a chain test) is the API's
``api/vecozo.py``. See docs/exchange.md.
"""
