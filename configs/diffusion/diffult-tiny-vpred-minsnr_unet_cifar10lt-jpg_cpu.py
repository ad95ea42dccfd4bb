# The tiny CPU generator (diffult-tiny_unet_cifar10lt-jpg_cpu.py) with
# v-prediction and Min-SNR-5 loss weighting (Salimans and Ho, ICLR 2022;
# Hang et al., ICCV 2023): a variant of the generator-efficiency comparison
# (issue "A DiffuLT generator ten times cheaper"). The losses of DiffuLT
# stay (L_CBDM and L_AID read the output as eps); everything else, the
# schedule included, is the tiny config's, so the two compare at equal
# iterations. Not yet measured against the eps-prediction config.
_base_ = ['./diffult-tiny_unet_cifar10lt-jpg_cpu.py']
model = dict(prediction_type='v_prediction', snr_gamma=5.0)
