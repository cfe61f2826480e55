"""StUF-GGk 2.1: the envelopes municipalities exchange through the GGk. Pure core.

An iJw message travels between a municipality and the GGk inside a ggk0210 envelope: a
Di01 carries a first message (JW301, JW315, JW323 …), a Du01 the answer to it (JW302,
JW316, JW325 …) and names the Di01 it answers by its reference number; a Fo01 says why an
envelope or its payload was refused, a Bv03 confirms receipt. The payload is base64 in the
envelope, which may travel bare or inside a SOAP 1.1 Envelope.

    model    the envelopes as values, namespaces, versions and reference numbers
    codec    bytes -> Received (through ``xmlparse``, checked with our schema) and back
    schema   our own envelope schema (``xsd/``), proved equal to the published one
    faults   the Fo01 codes the gateway uses, with our own texts (``fo01codes.toml``)
    checks   does the envelope agree with the iJw message it carries?
    answers  the Fo01, Bv03 or Du01 that answers a received envelope
    unwrap   an input that is an envelope -> its payload, for ``validate``

Nothing here does I/O: the API's SOAP endpoint (``api/stuf.py``, ``stuf_intake.py``) and
the channel that sends envelopes (``stuf_channel.py``) are the edges.
"""
