package fr.rempart.platform.db;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A time and its calendar day as the database casts it ({@code cast(t as date)}), so that a daily
 * series put together in Java from several capabilities' answers falls on the days a series grouped
 * in SQL does.
 */
public record Dated(Instant at, LocalDate day) {
}
