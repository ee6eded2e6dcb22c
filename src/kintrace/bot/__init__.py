"""The relatives' Telegram bot (`kintrace bot`): the public report form and the inbox in a
chat, keeping nothing that leads back to the person writing (docs/intake.md, "Telegram")."""
