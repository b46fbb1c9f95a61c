"""The slug of the plan the root conftest loads (fixtures/plan.toml): a plan's pages are under /plans/<slug>/."""

SLUG = "yingkou-14th"
