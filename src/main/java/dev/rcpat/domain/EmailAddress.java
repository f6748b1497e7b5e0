package dev.rcpat.domain;

public record EmailAddress(String address, boolean verified) { }
