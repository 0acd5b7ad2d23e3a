"""The read model and the views pages, exports and the command line share."""
