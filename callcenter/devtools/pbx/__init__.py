"""The bench PBX: a real Asterisk 22 in a Debian chroot (`bench`), its scripted calls
(`scenarios`) and their recording (`recording`)."""
