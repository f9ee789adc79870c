"""The scripting subcommands (``ping``, ``originate``, ``cdr``, ...): one module each, no Textual.

Each module has ``register(commands, parent)``, which adds its parser and sets ``run`` (a
function of the parsed arguments returning the exit code); ``common`` holds what they share.
"""
