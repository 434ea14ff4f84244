package dev.lanegrad.spark.score;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import java.util.Locale;

/** What a scoring run writes into its output column, and that column's Spark type. */
public enum Output {
    /** The top layer's final hidden state (both directions side by side): array&lt;float&gt; of D*H. */
    HIDDEN(DataTypes.createArrayType(DataTypes.FloatType, false)),
    /** The top layer's output at each valid step: array&lt;array&lt;float&gt;&gt;, length x D*H. */
    OUTPUTS(DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false)),
    /** A forecaster's next horizon values, in the data's units: array&lt;double&gt;. */
    FORECAST(DataTypes.createArrayType(DataTypes.DoubleType, false)),
    /** A classifier's label probabilities (or a char-LM's next-character distribution): array&lt;double&gt;. */
    PROBABILITIES(DataTypes.createArrayType(DataTypes.DoubleType, false));

    private final ArrayType type;

    Output(ArrayType type) {
        this.type = type;
    }

    public DataType sparkType() {
        return type;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "hidden", "outputs", "forecast" or "probabilities" (case-insensitive); the error lists them. */
    public static Output parse(String text) {
        for (Output o : values()) {
            if (o.name().equalsIgnoreCase(text.strip())) {
                return o;
            }
        }
        throw new IllegalArgumentException("output \"" + text + "\" is not one of hidden, outputs, forecast, probabilities");
    }
}
