"""Developer tooling, apart from the service: the bench PBX and its scenarios (`pbx`), the
benchmarks (`bench`) and the demo data set (`demo`).

The service itself never imports this package (an import check in `tests/unit/test_layers.py`
holds it to that); only the `callcenter` command line and the tests do, so a production
install can leave it out and nothing it does runs inside the service.
"""
