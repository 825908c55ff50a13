"""Call flows the PBX runs against the service over FastAGI (survey, hotline front door)."""
