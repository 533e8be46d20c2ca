namespace swarmop::engine {}
