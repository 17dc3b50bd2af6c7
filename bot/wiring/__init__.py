"""The composition root's parts, one module per area, each called from ``bot.app``: the
channels (``channels``), the pipeline and its workers (``pipeline``), the staff side
(``staff``), alerts (``alerts``), the digest (``digest``), the periodic jobs (``jobs``) and the
web app (``web``); what several share is in ``basics``. Each builds its objects from the
settings and what it is handed, and keeps nothing."""
