"""Staff accounts, their web sessions and login attempts. Facade: ``facade.StaffStore``
(``store.staff``)."""
