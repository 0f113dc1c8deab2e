"""IB Key as the broker sees it: ``factor`` enrols a device, pushes a login to the phone (number matching)
or issues a challenge, and checks the signed answer; ``activation`` binds the phone's keys to the device.

Same import rules as ``sls_server.factors``.
"""
