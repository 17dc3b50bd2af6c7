"""Work shared by processes: the processing queue of stored inbound events, leases (the one lease
of every work queue, and named leases for periodic jobs and exclusive connections), cursors and
the audit append. Facades: ``facade.ProcessingStore`` (``store.processing``), ``leases.Leases``
(``store.leases``), ``cursors.CursorStore`` (``store.cursors``)."""
