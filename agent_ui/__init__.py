"""Pages for agents and supervisors, served by the service without a build step."""
