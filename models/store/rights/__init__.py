"""Data-protection rights: finding, exporting and erasing a person, the registry of where personal
data lives, retention, the team's exports, reading the audit log. Facade: ``facade.RightsStore``
(``store.rights``)."""
