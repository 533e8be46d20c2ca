namespace swarmop::reconciler {}
