"""Demo data (`callcenter seed-demo`) and the screen-pop lookup benchmark."""
