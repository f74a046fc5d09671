error("plain message", 0)
