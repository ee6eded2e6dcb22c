"""Messages of the operations commands, translated where they are printed.

The modules a restore needs on a fresh machine (archive, backupkey, restore) import no Django:
they raise an error that carries an English template marked with `gettext_noop` and its
parameters; the command line (ops/cli.py) prints `gettext(template) % params`. str() of the
error stays the English line, for logs and the BackupRun record.
"""


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue (makemessages knows this name); the command line
    translates it when it prints the error (no Django here)."""
    return message


class OpsError(Exception):
    """One line for the operator. `template` is the English message with %(name)s places,
    `params` fills them: str() is the English line, the command line prints
    `gettext(template) % params`."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)
