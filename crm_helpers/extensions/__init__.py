"""Extra tables for the simulated retailer, one module per topic.

Each module registers its generators with :func:`crm_helpers.simulate.register_table`;
:meth:`crm_helpers.simulate.Retailer.with_tables` imports them all when asked for a table
it does not know yet. Every generator gets its own random stream, so adding a table never
changes the core tables or the other extra tables.
"""
