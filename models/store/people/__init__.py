"""People: the customer group of each person, the library's imported list (hashed), the
handles a person is known by (hashed), the one short name staff see, and coverage figures."""
