"""The demo: a catalog of phones sold in Indonesia, a generator of labelled fan reports
(``demo.corpus``, ``python -m demo.corpus``) and ``seed_demo``, which fills a forum from
them. Nothing else in the product imports it."""
