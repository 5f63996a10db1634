package dev.jmim.nn.optim;

import dev.jmim.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Named parameters that share a weight decay (and a multiplier on the learning rate). */
public record ParamGroup(Map<String, Parameter> parameters, double weightDecay, double lrScale) {

    /**
     * MAE's split (timm 0.3.2 add_weight_decay): no decay for 1-D parameters and names ending in
     * ".bias" (biases, LayerNorm weights), decay for everything else, frozen parameters left out.
     */
    public static ParamGroup[] maeWeightDecay(Map<String, Parameter> named, double weightDecay) {
        Map<String, Parameter> decay = new LinkedHashMap<>();
        Map<String, Parameter> noDecay = new LinkedHashMap<>();
        named.forEach((name, p) -> {
            if (p.trainable()) {
                (p.value().dim() <= 1 || name.endsWith(".bias") ? noDecay : decay).put(name, p);
            }
        });
        return new ParamGroup[] {new ParamGroup(noDecay, 0, 1), new ParamGroup(decay, weightDecay, 1)};
    }
}
