"""The one gateway to the database: opening, schema migrations, parameterised reads, the SQL of writes."""
