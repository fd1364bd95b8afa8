"""Protection core: keys, field encryption, passwords and roles, pseudonyms, redaction, signed
audit checkpoints and encrypted backups.

Every module here is pure (bytes and dataclasses in and out) except the few helpers in signing and
backup that take file paths on purpose. Only `cryptography` and `argon2-cffi` primitives are used;
nothing here invents its own cipher. Imports run one way: security imports model and errors only.
"""
