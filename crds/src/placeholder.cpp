namespace swarmop::crds {}
