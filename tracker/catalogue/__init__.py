"""Names of indicators and regions, and the Chinese text helpers the catalogue and uploads share."""
